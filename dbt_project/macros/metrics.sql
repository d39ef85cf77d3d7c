{#- Helpers of the assessment-metric marts (models/marts/metrics). -#}

{% macro metric_scopes(relation, metric_code, numerator, denominator, grains=none) -%}
    {#- One metric at three scopes x the period grains from a record-level relation with columns
        dept_code, region_code (the department's), year and, for the sub-year grains, period_date (the
        date whose year is `year`: a task's start date, an obligation's event date).
        Scopes: department (per dept_code), region (all departments of a region_code; region = the
        city code means the city-level departments, 市本级) and city (all departments; region_code =
        var city_region_code). Grains (default var metric_grains): year, quarter, month; period_start
        is the first day of the period. numerator / denominator are aggregate expressions evaluated
        at each scope and period over the records, so a city or annual figure is a true total (sum
        of counts, or a distinct count over the whole scope), never an average of rates. -#}
    {%- set grains = grains if grains is not none else var('metric_grains') %}
    {%- set parts = [] %}
    {%- for grain in grains %}{% for scope in ['department', 'region', 'city'] %}
    {%- do parts.append((grain, scope)) %}
    {%- endfor %}{% endfor %}
    {%- for grain, scope in parts %}
    select
        '{{ metric_code }}' as metric_code,
        '{{ scope }}' as scope,
        {% if scope == 'department' %}dept_code{% else %}cast(null as string){% endif %} as dept_code,
        {% if scope == 'city' %}'{{ var("city_region_code") }}'{% else %}region_code{% endif %} as region_code,
        '{{ grain }}' as grain,
        year,
        {% if grain == 'year' -%}
        cast({{ dbt.concat(["cast(year as string)", "'-01-01'"]) }} as date)
        {%- else -%}
        cast({{ dbt.date_trunc(grain, 'period_date') }} as date)
        {%- endif %} as period_start,
        cast({{ numerator }} as bigint) as numerator,
        cast({{ denominator }} as bigint) as denominator
    from {{ relation }}
    {% if grain != 'year' %}where period_date is not null{% endif %}
    group by all
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{% macro metric_rate(numerator, denominator) -%}
    {#- NULL (not applicable) when the denominator is 0; never 0% or 100%. -#}
    cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
{%- endmacro %}


{% macro list_count(expr) -%}
    {#- Number of entries of a list cell (`A;B`, `A；B`, `A、B`, `A,B`); NULL for an empty cell. -#}
    {%- set cleaned = "replace(replace(" ~ strip_whitespace(fold_full_width(expr)) ~ ", '、', ';'), ',', ';')" -%}
    case
        when nullif({{ cleaned }}, '') is null then null
        else length({{ cleaned }}) - length(replace({{ cleaned }}, ';', '')) + 1
    end
{%- endmacro %}


{% macro credit_class_metric_code(credit_class) -%}
    {#- Metric code of the sampling ratio of one credit class: 'A类' -> sampling_ratio_a. -#}
    sampling_ratio_{{ credit_class[0] | lower }}
{%- endmacro %}


{% macro list_normalised(expr) -%}
    {#- A list cell with every separator (; ； 、 , ，) turned into ';' and whitespace removed. -#}
    replace(replace({{ strip_whitespace(fold_full_width(expr)) }}, '、', ';'), ',', ';')
{%- endmacro %}
