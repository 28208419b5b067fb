"""The form engine: definitions as data, conditions, people, validation, progress, summary.

A form definition (``FormDefinition``) is a list of steps (one topic per page); a step is a
list of fields. Steps and fields may carry a declarative condition (``Cond``) that says
when they are shown; a step with ``per_person`` repeats once for every person of the
household that matches (step key ``"income:p2"``). Answers are stored per step instance,
language-neutral: field keys and canonical values (money as ``"123.45"``, dates as ISO,
yes/no as ``"yes"``/``"no"``, choices by key, several choices as a list of keys).

Public API (used by the customer pages, the staff pages, the API and the PDF):

* ``get_definition(key, version)`` / ``latest_definition(key)`` / ``all_definitions()``
* ``definition_as_json(definition, language)``
* ``Answers`` (the answers of one application) and ``answers_for(application)``
* ``step_instances(definition, answers)`` → every step instance with ``needed``
* ``validate_step(definition, step_key, raw, answers)`` → ``(cleaned, errors)``
* ``progress(application)`` → ``list[StepProgress]``
* ``summary_sections(application)`` / ``summary_sections_for(definition, answers)``

The engine is split by sub-domain: ``answers`` (people, answers), ``conditions``,
``definitions`` (fields, steps, the registry), ``progress`` (step instances, status),
``cleaning`` (value cleaning and validation), ``dependencies`` (which steps a step's
checks read) and ``summary`` (display, summary, JSON).
Everything public is re-exported here.
"""

from openjobcenter.applications.engine.answers import (
    APPLICANT,
    MAX_PERSONS,
    PERSON_ID,
    PERSON_ROLE_LABELS,
    Answers,
    Person,
    PersonRole,
    Raw,
    Text,
    answers_for,
    person_label,
    submitted_answers,
)
from openjobcenter.applications.engine.cleaning import (
    BANK_SUFFIX,
    CONFIRM_SUFFIX,
    DECIMAL_RE,
    EMAIL_RE,
    MAX_TEXTAREA,
    MEMBER_ROLES,
    MONEY_RE,
    PERSON_FIELDS,
    PHONE_RE,
    POSTCODE_RE,
    parse_money,
    validate_step,
)
from openjobcenter.applications.engine.conditions import (
    All,
    AnyOf,
    AnyPerson,
    Cond,
    Eq,
    Has,
    In,
    Not,
    PersonIs,
    Yes,
)
from openjobcenter.applications.engine.definitions import (
    Choice,
    Field,
    FieldType,
    FormDefinition,
    Step,
    all_definitions,
    choices,
    get_definition,
    latest_definition,
    register,
)
from openjobcenter.applications.engine.dependencies import (
    PERSON_STEPS,
    progress_inputs,
    step_dependencies,
)
from openjobcenter.applications.engine.progress import (
    StepInstance,
    StepProgress,
    StepStatus,
    get_instance,
    next_open_step,
    progress,
    progress_for,
    step_instances,
)
from openjobcenter.applications.engine.summary import (
    SummaryRow,
    SummarySection,
    bank_of,
    definition_as_json,
    display_value,
    summary_sections,
    summary_sections_for,
)

__all__ = [
    "APPLICANT",
    "BANK_SUFFIX",
    "CONFIRM_SUFFIX",
    "DECIMAL_RE",
    "EMAIL_RE",
    "MAX_PERSONS",
    "MAX_TEXTAREA",
    "MEMBER_ROLES",
    "MONEY_RE",
    "PERSON_FIELDS",
    "PERSON_ID",
    "PERSON_ROLE_LABELS",
    "PERSON_STEPS",
    "PHONE_RE",
    "POSTCODE_RE",
    "All",
    "Answers",
    "AnyOf",
    "AnyPerson",
    "Choice",
    "Cond",
    "Eq",
    "Field",
    "FieldType",
    "FormDefinition",
    "Has",
    "In",
    "Not",
    "Person",
    "PersonIs",
    "PersonRole",
    "Raw",
    "Step",
    "StepInstance",
    "StepProgress",
    "StepStatus",
    "SummaryRow",
    "SummarySection",
    "Text",
    "Yes",
    "all_definitions",
    "answers_for",
    "bank_of",
    "choices",
    "definition_as_json",
    "display_value",
    "get_definition",
    "get_instance",
    "latest_definition",
    "next_open_step",
    "parse_money",
    "person_label",
    "progress",
    "progress_for",
    "progress_inputs",
    "register",
    "step_dependencies",
    "step_instances",
    "submitted_answers",
    "summary_sections",
    "summary_sections_for",
    "validate_step",
]
