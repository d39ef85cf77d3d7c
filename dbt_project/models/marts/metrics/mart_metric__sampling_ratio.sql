-- 抽查比例: distinct objects drawn / objects in the register on 1 January (int_object__register_at_year_start),
-- overall and per credit class (class at draw over the register's class). The register of a scope is
-- its jurisdiction's: a county/district department or region -> objects of that region_code; a
-- city-level department, the city-level departments together (region = city code) and the city ->
-- every object of the city. Departments are not matched to the object types they supervise
-- (the export does not say), so a narrow department's ratio is low by construction.
-- The numerator is a count of the draw records (int_metric_records__draws: record_key = the object, so
-- an object drawn twice counts once in a scope); the denominator is the register, not records.
{%- set classes = var('credit_classes') %}
{%- set city = var('city_region_code') %}
{%- set metric_codes = ['sampling_ratio'] %}
{%- for c in classes %}{% do metric_codes.append(credit_class_metric_code(c)) %}{% endfor %}
with

draw_records as (

    select * from {{ ref('int_metric_records__draws') }}

),

register as (

    select * from {{ ref('int_object__register_at_year_start') }}

),

register_by_area as (

    select
        year,
        region_code,
        sum(objects) as objects
        {%- for c in classes %},
        coalesce(sum(case when credit_class = '{{ c }}' then objects end), 0) as objects_{{ loop.index }}
        {%- endfor %}
    from register
    where region_code <> '{{ city }}'
    group by year, region_code

    union all

    select
        year,
        '{{ city }}' as region_code,
        sum(objects) as objects
        {%- for c in classes %},
        coalesce(sum(case when credit_class = '{{ c }}' then objects end), 0) as objects_{{ loop.index }}
        {%- endfor %}
    from register
    group by year

),

drawn as (
    {{ metric_from_records('draw_records', metric_codes, keys_repeat=true, denominator='0') }}
),

with_register as (

    select
        drawn.metric_code,
        drawn.scope,
        drawn.dept_code,
        drawn.region_code,
        drawn.grain,
        drawn.year,
        drawn.period_start,
        drawn.numerator,
        cast(coalesce(
            case drawn.metric_code
                when 'sampling_ratio' then register_by_area.objects
                {%- for c in classes %}
                when '{{ credit_class_metric_code(c) }}'
                    then register_by_area.objects_{{ loop.index }}
                {%- endfor %}
            end, 0) as bigint) as denominator
    from drawn
    left join register_by_area
        on drawn.year = register_by_area.year
        and drawn.region_code = register_by_area.region_code

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from with_register

)

select * from final
