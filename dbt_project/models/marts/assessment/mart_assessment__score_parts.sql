-- Annual assessment score parts (domain brief section 6): one row per scope (department / region) x
-- unit x year x weighted metric (seed assessment_weights), for every unit with any metric value that
-- year. [design] A part is not applicable when the rate is NULL (denominator 0) or the unit has no
-- row for the metric: it earns nothing and is left out of applicable_weight; points rescale the
-- applicable parts to 100 (points_raw keeps the unscaled weight x attainment). points_max and
-- points_lost are on the same rescaled basis: a unit's points_lost sum to 100 - score, and they are
-- the figures the dashboard, the reports and the circular print (never weight - points).
-- Only member departments of the joint mechanism (成员单位) are assessed as departments: the plan
-- assesses the member units and the counties/districts, so a non-member is never ranked or named.
with

metric_values as (

    select
        metric_code,
        scope,
        case when scope = 'department' then dept_code else region_code end as unit_code,
        dept_code,
        region_code,
        year,
        cast(rate as double) as rate,
        cast(target as double) as target,
        target_direction,
        attainment
    from {{ ref('fct_metric_values') }}
    where scope in ('department', 'region')
        and grain = 'year'

),

weights as (

    select * from {{ ref('assessment_weights') }}

),

member_departments as (

    select dept_code from {{ ref('stg_platform__department') }}
    where is_member

),

units as (

    select distinct scope, unit_code, dept_code, region_code, year
    from metric_values
    where scope = 'region' or dept_code in (select dept_code from member_departments)

),

parts as (

    select
        units.scope,
        units.unit_code,
        units.dept_code,
        units.region_code,
        units.year,
        weights.metric_code,
        metric_values.rate,
        metric_values.target,
        metric_values.target_direction,
        cast(weights.weight as double) as weight,
        metric_values.rate is null as not_applicable,
        -- the target's attainment as fct_metric_values has it (macro target_attainment); every weighted
        -- metric has a target (test assessment_weights_have_targets)
        metric_values.attainment
    from units
    inner join weights
        on units.year = weights.assessment_year
    left join metric_values
        on units.scope = metric_values.scope
        and units.unit_code = metric_values.unit_code
        and units.year = metric_values.year
        and weights.metric_code = metric_values.metric_code

),

weighted as (

    select
        *,
        weight * attainment as points_raw,
        sum(case when not_applicable then 0 else weight end)
            over (partition by scope, unit_code, year) as applicable_weight
    from parts

),

final as (

    select
        scope,
        unit_code,
        dept_code,
        region_code,
        year,
        metric_code,
        rate,
        target,
        target_direction,
        weight,
        not_applicable,
        attainment,
        points_raw,
        applicable_weight,
        points_raw * 100.0 / nullif(applicable_weight, 0) as points,
        case when not not_applicable then weight * 100.0 / nullif(applicable_weight, 0) end as points_max,
        case
            when not not_applicable then (weight - points_raw) * 100.0 / nullif(applicable_weight, 0)
        end as points_lost
    from weighted

)

select * from final
