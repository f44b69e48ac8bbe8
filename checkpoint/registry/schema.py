"""The snapshot's Arrow schema: the record fields (named in `models.py`) and the derived columns beside them."""

from __future__ import annotations

import pyarrow as pa

from checkpoint.models import RECORD_BOOLEANS, RECORD_DATES, RECORD_TEXTS

#: Derived columns, computed once per snapshot (leading underscore: never shown, never imported). The
#: blocking keys are not columns: they live in the snapshot's sorted index (`registry/keys.py`).
DERIVED = {
    "_name_tokens": pa.string(),  # canonical tokens joined by spaces
    "_father_tokens": pa.string(),  # BIN/BINTI tail
    "_name_keys": pa.string(),  # phonetic key of each name token, joined by spaces
    "_key_ids": pa.list_(pa.int32()),  # each name key's id in the snapshot's vocabulary (`vocabulary.py`: rarity)
    "_dob_number": pa.int32(),  # YYYYMMDD
    "_signature_low": pa.uint64(),  # letter pairs of the phonetic keys (keys.name_signature)
    "_signature_high": pa.uint64(),
}

#: The SPEC columns as stored, in snapshot order; then the whole snapshot schema.
SPEC_SCHEMA = pa.schema(
    [("record_id", pa.string()), ("full_name", pa.string()), ("sex", pa.string())]
    + [("date_of_birth", pa.date32()), ("destination_country", pa.string())]
    + [(name, pa.string()) for name in RECORD_TEXTS]
    + [(name, pa.bool_()) for name in RECORD_BOOLEANS]
    + [(name, pa.date32()) for name in RECORD_DATES]
)
SCHEMA = pa.schema(list(SPEC_SCHEMA) + list(DERIVED.items()))
