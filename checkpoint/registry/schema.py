"""The registry's columns (SPEC §4.1) and the derived columns each snapshot stores beside them."""

from __future__ import annotations

import pyarrow as pa

#: The registry columns in the order SPEC §4.1 lists them (the one list of names).
SPEC_COLUMNS: tuple[str, ...] = (
    "record_id",
    "full_name",
    "sex",
    "date_of_birth",
    "destination_country",
    "nik",
    "passport_number",
    "status",
    "scheme",
    "agency",
    "agency_licence",
    "employer",
    "job_title",
    "sector",
    "visa_number",
    "epmi_number",
    "bpjs_active",
    "opp_completed",
    "planned_departure",
    "departure_port",
)
REQUIRED = ("record_id", "full_name", "sex", "date_of_birth", "destination_country")
OPTIONAL_BOOL = ("bpjs_active", "opp_completed")
OPTIONAL_DATE = ("planned_departure",)
OPTIONAL_TEXT = tuple(name for name in SPEC_COLUMNS if name not in REQUIRED + OPTIONAL_BOOL + OPTIONAL_DATE)
#: Grouped by type; the order of the snapshot schema.
COLUMNS = REQUIRED + OPTIONAL_TEXT + OPTIONAL_BOOL + OPTIONAL_DATE

STATUSES = ("REGISTERED", "VERIFIED", "READY", "DEPARTED", "CANCELLED")
SCHEMES = ("G2G", "G2P", "P2P", "UKPS", "MANDIRI")
SECTORS = ("formal", "informal", "domestic")

#: Derived columns, computed once per snapshot (leading underscore: never shown, never imported). The
#: blocking keys are not columns: they live in the snapshot's sorted index (`registry/keys.py`).
DERIVED = {
    "_name_tokens": pa.string(),  # canonical tokens joined by spaces
    "_father_tokens": pa.string(),  # BIN/BINTI tail
    "_name_keys": pa.string(),  # phonetic key of each name token, joined by spaces
    "_token_counts": pa.list_(pa.int32()),  # how many records carry each name token, any spelling (rarity)
    "_dob_number": pa.int32(),  # YYYYMMDD
    "_signature_low": pa.uint64(),  # letter pairs of the phonetic keys (keys.name_signature)
    "_signature_high": pa.uint64(),
}

#: The SPEC columns as stored, in snapshot order; then the whole snapshot schema.
SPEC_SCHEMA = pa.schema(
    [(name, pa.string()) for name in REQUIRED[:3]]
    + [("date_of_birth", pa.date32()), ("destination_country", pa.string())]
    + [(name, pa.string()) for name in OPTIONAL_TEXT]
    + [(name, pa.bool_()) for name in OPTIONAL_BOOL]
    + [(name, pa.date32()) for name in OPTIONAL_DATE]
)
SCHEMA = pa.schema(list(SPEC_SCHEMA) + list(DERIVED.items()))
