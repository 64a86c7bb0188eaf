"""Tables of the registry's read model (see views.py for how events fill them). `{t}` is the
generation's table prefix; queries use the plain views `<schema>.<table>`."""

DDL = """
CREATE TABLE {t}divisions (
    code text PRIMARY KEY, name text NOT NULL, level text NOT NULL, parent_code text,
    county text, registered_at timestamptz NOT NULL
);
CREATE INDEX ON {t}divisions (parent_code);
CREATE INDEX ON {t}divisions (county, level);
CREATE TABLE {t}units (
    unit_id text PRIMARY KEY, kind text NOT NULL, name text NOT NULL, division_code text NOT NULL,
    county text, credit_code text, licence_no text
);
CREATE TABLE {t}advisors (
    advisor_id text PRIMARY KEY, name text NOT NULL, kind text NOT NULL, unit_id text NOT NULL,
    county text, licence_no text, phone text NOT NULL, status text NOT NULL, status_since date
);
CREATE INDEX ON {t}advisors (unit_id);
CREATE TABLE {t}nominations (
    advisor_id text PRIMARY KEY, version integer NOT NULL, name text NOT NULL, kind text NOT NULL,
    unit_id text NOT NULL, county text, licence_no text, phone text NOT NULL, state text NOT NULL,
    nominated_at timestamptz NOT NULL, decided_at timestamptz, reason text
);
CREATE INDEX ON {t}nominations (county, state);
CREATE INDEX ON {t}nominations (unit_id);
CREATE TABLE {t}advisor_statuses (
    advisor_id text NOT NULL, version integer NOT NULL, status text NOT NULL, changed_on date NOT NULL,
    reason text NOT NULL, PRIMARY KEY (advisor_id, version)
);
CREATE TABLE {t}assignments (
    assignment_id text PRIMARY KEY, village_code text NOT NULL, advisor_id text NOT NULL,
    unit_id text NOT NULL, county text, valid_from date NOT NULL, valid_to date, schedule text NOT NULL,
    end_reason text
);
CREATE INDEX ON {t}assignments (village_code, valid_from);
CREATE INDEX ON {t}assignments (advisor_id);
CREATE TABLE {t}agreements (
    agreement_id text PRIMARY KEY, village_code text NOT NULL, unit_id text NOT NULL, county text,
    advisor_ids text[] NOT NULL, term_start date NOT NULL, term_end date NOT NULL, signed_on date NOT NULL,
    renewed_on date, filing_no text, filed_on date, signed_and_stamped boolean, terminated_on date,
    termination_reason text
);
CREATE INDEX ON {t}agreements (village_code);
CREATE INDEX ON {t}agreements (county);
CREATE TABLE {t}agreement_filings (
    agreement_id text NOT NULL, version integer NOT NULL, filing_no text NOT NULL, filed_on date NOT NULL,
    signed_and_stamped boolean NOT NULL, PRIMARY KEY (agreement_id, version)
);
CREATE TABLE {t}notice_boards (
    village_code text PRIMARY KEY, county text, advisor_id text NOT NULL, advisor_name text NOT NULL,
    phone text NOT NULL, schedule text NOT NULL, posted_on date NOT NULL
);
CREATE TABLE {t}service_groups (
    village_code text PRIMARY KEY, group_id text NOT NULL, county text, advisor_id text NOT NULL,
    name text NOT NULL, established_on date NOT NULL, member_count integer NOT NULL, counted_on date NOT NULL
);
CREATE TABLE {t}service_group_counts (
    group_id text NOT NULL, version integer NOT NULL, village_code text NOT NULL,
    member_count integer NOT NULL, counted_on date NOT NULL, PRIMARY KEY (group_id, version)
);
"""

TABLES = (
    "divisions",
    "units",
    "advisors",
    "advisor_statuses",
    "nominations",
    "assignments",
    "agreements",
    "agreement_filings",
    "notice_boards",
    "service_groups",
    "service_group_counts",
)
