-- The metric dictionary for the dashboard and the reports: names (zh/en), unit, whether scored,
-- numerator / denominator wording and denominator basis (seed metric_definitions, published with the
-- marts so readers of the serving artefact need nothing else).
with

definitions as (

    select * from {{ ref('metric_definitions') }}

)

select
    metric_code,
    sort_order,
    name_zh,
    name_en,
    unit,
    is_scored,
    numerator_zh,
    denominator_zh,
    numerator_en,
    denominator_en,
    denominator_basis
from definitions
