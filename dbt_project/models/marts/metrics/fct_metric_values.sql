-- Every assessment metric in one long table: metric x scope (department / region / city) x
-- department x region x year, with numerator, denominator, rate (NULL = not applicable: denominator 0)
-- and the year's target from seed metric_targets (target_met NULL without a target or a rate), and
-- attainment: how far the rate reaches its target, 0..1, the rule the assessment scores with
-- (macro target_attainment; NULL without a rate or a target).
-- Grains year / quarter / month: a sub-year value is compared with the annual target only when the
-- metric's denominator is a flow of the same period (metric_definitions.denominator_basis = period);
-- against an annual register (e.g. the sampling ratio) a quarter is progress, not a shortfall.
{%- set metric_models = [
    'mart_metric__temporary_tasks',
    'mart_metric__joint_inspection',
    'mart_metric__random_compliance',
    'mart_metric__sampling_ratio',
    'mart_metric__task_completion',
    'mart_metric__credit_linked_tasks',
    'mart_metric__result_outcomes',
    'mart_metric__publication',
    'mart_metric__item_coverage',
    'mart_metric__inspector_participation',
    'mart_metric__mechanism_coverage',
] %}
with

{% for m in metric_models %}
{{ m }} as (

    select * from {{ ref(m) }}

),

{% endfor -%}
targets as (

    select * from {{ ref('metric_targets') }}

),

definitions as (

    select * from {{ ref('metric_definitions') }}

),

unioned as (
    {% for m in metric_models %}
    select metric_code, scope, dept_code, region_code, grain, year, period_start, numerator, denominator
    from {{ m }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        unioned.metric_code,
        unioned.scope,
        unioned.dept_code,
        unioned.region_code,
        unioned.grain,
        unioned.year,
        unioned.period_start,
        unioned.numerator,
        unioned.denominator,
        {{ metric_rate('unioned.numerator', 'unioned.denominator') }} as rate,
        targets.target,
        targets.direction as target_direction,
        case
            when unioned.denominator = 0 or targets.target is null then null
            when targets.direction = 'at_most'
                then {{ metric_rate('unioned.numerator', 'unioned.denominator') }} <= targets.target
            else {{ metric_rate('unioned.numerator', 'unioned.denominator') }} >= targets.target
        end as target_met,
        {{ target_attainment(metric_rate('unioned.numerator', 'unioned.denominator'), 'targets.target', 'targets.direction') }}
            as attainment
    from unioned
    left join definitions
        on unioned.metric_code = definitions.metric_code
    left join targets
        on unioned.metric_code = targets.metric_code
        and unioned.year = targets.assessment_year
        and (unioned.grain = 'year' or definitions.denominator_basis = 'period')

)

select * from final
