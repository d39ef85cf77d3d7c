-- The metric dictionary for the dashboard and the reports: names (zh/en), unit, whether scored,
-- numerator / denominator wording and denominator basis (seed metric_definitions, published with the
-- marts so readers of the serving artefact need nothing else), and what the audit trail lists for it:
-- records_listed (fct_metric_records has its records) and denominator_listed (its denominator is made
-- of listed records; the sampling ratios' denominator is the register at 1 January instead).
with

definitions as (

    select * from {{ ref('metric_definitions') }}

),

listed as (

    select
        metric_code,
        max(case when in_denominator then 1 else 0 end) = 1 as denominator_listed
    from {{ ref('fct_metric_records') }}
    group by metric_code

)

select
    definitions.metric_code,
    definitions.sort_order,
    definitions.name_zh,
    definitions.name_en,
    definitions.unit,
    definitions.is_scored,
    definitions.numerator_zh,
    definitions.denominator_zh,
    definitions.numerator_en,
    definitions.denominator_en,
    definitions.denominator_basis,
    listed.metric_code is not null as records_listed,
    coalesce(listed.denominator_listed, false) as denominator_listed
from definitions
left join listed
    on definitions.metric_code = listed.metric_code
