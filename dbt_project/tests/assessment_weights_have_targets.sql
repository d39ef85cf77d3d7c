{#- Every weighted metric has a target in its assessment year (seed metric_targets), so its attainment
    (fct_metric_values.attainment) is defined whenever its rate is: one row per weight without one. -#}
select
    weights.assessment_year,
    weights.metric_code
from {{ ref('assessment_weights') }} as weights
left join {{ ref('metric_targets') }} as targets
    on weights.assessment_year = targets.assessment_year
    and weights.metric_code = targets.metric_code
where targets.target is null
