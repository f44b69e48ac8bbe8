"""Passport applications (SPEC §3.2, §4.3): the second control point, screened before a passport exists.

Design: an application is screened as a traveller, through the same pipeline, matcher, engine, audit log and
writers as a manifest; nothing is forked.

- `read.open_applications` reads the file with `checkpoint.sources` (every manifest format), checks the
  required columns (an InputDataError, exit 3, names those lacking) and gives `ApplicationRows`, which the
  pipeline reads a run of rows at a time as it reads a manifest's.
- `build.build_application` turns one row into a `Traveller`: `pax_id` is the `application_id` (results are
  keyed by it, in input order), name, sex and birth date as on the KTP, the NIK only when it is a valid one (so
  the matcher looks the applicant up by NIK first, then by name and date of birth), the first destination,
  the intended departure as the departure date. Everything else the application says is kept in
  `Traveller.application` and becomes the `application.*` facts (engine/fields.csv): the purpose, the
  documents presented, the interviewing officer's findings, and whether the NIK is valid and agrees with the
  sex and birth date given. A row that cannot be read in full is screened with a warning, never dropped.
- The rule pack for this control point is `rules/passport-office/`, chosen for applications unless `--rules`
  says otherwise (`application_pack_path`).

Documents presented (`recommendation_id`, `ppiu_letter`, …) are read as presented when a column holds an id or
a yes, and as not presented when the column is there and the cell is blank or a no: an office's list leaves a
document it did not see blank. The records' flags (`lost_passport_report`, `previous_denial`, the latter a column
beside SPEC §4.3) read the same way. A column not in the file leaves the fact missing, and the rules that need
it undecided. The interviewing officer's findings (`stated_work_intent`, `trip_explained`,
`inconsistency_noted`) are missing when blank: a question not asked is not an answer.
"""

from checkpoint.applications.build import APPLICATION_COLUMNS, REQUIRED_COLUMNS, build_application
from checkpoint.applications.read import (
    ApplicationRows,
    application_pack_path,
    open_applications,
    with_recommendation,
)

__all__ = [
    "APPLICATION_COLUMNS",
    "REQUIRED_COLUMNS",
    "ApplicationRows",
    "application_pack_path",
    "build_application",
    "open_applications",
    "with_recommendation",
]
