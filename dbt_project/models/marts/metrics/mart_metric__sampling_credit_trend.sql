-- Whether the sampling ratio rises with credit risk (A -> D, classes of var credit_classes in order)
-- per scope x department x region x period (grains of mart_metric__sampling_ratio): rises_with_risk is true when every class's ratio is at
-- least the previous one's and the last exceeds the first; NULL when any class's ratio is NULL.
{%- set classes = var('credit_classes') %}
{%- set codes = [] %}
{%- for c in classes %}{% do codes.append(credit_class_metric_code(c)) %}{% endfor %}
with

ratios as (

    select * from {{ ref('mart_metric__sampling_ratio') }}
    where metric_code <> 'sampling_ratio'

),

pivoted as (

    select
        scope,
        dept_code,
        region_code,
        grain,
        year,
        period_start
        {%- for code in codes %},
        max(case when metric_code = '{{ code }}' then rate end) as rate_{{ loop.index }}
        {%- endfor %}
    from ratios
    group by scope, dept_code, region_code, grain, year, period_start

),

final as (

    select
        scope,
        dept_code,
        region_code,
        grain,
        year,
        period_start
        {%- for code in codes %},
        rate_{{ loop.index }} as {{ code }}
        {%- endfor %},
        case
            when {% for code in codes %}rate_{{ loop.index }} is null{% if not loop.last %} or {% endif %}{% endfor %}
                then null
            else {% for code in codes %}{% if not loop.first %}rate_{{ loop.index }} >= rate_{{ loop.index0 }} and {% endif %}{% endfor %}rate_{{ codes | length }} > rate_1
        end as rises_with_risk
    from pivoted

)

select * from final
