{#- Helpers of the assessment-metric marts (models/marts/metrics). -#}

{% macro metric_scopes(relation, metric_code, numerator, denominator, grains=none) -%}
    {#- One metric at three scopes x the period grains from a record-level relation with columns
        dept_code, region_code (the department's), year and, for the sub-year grains, period_date (the
        date whose year is `year`: a task's start date, an obligation's event date).
        Scopes: department (per dept_code), region (all departments of a region_code; region = the
        city code means the city-level departments, 市本级) and city (all departments; region_code =
        var city_region_code). Grains (default var metric_grains): year, quarter, month; period_start
        is the first day of the period. metric_code none: the relation's own metric_code column (several
        metrics in one pass). numerator / denominator are aggregate expressions evaluated
        at each scope and period over the records, so a city or annual figure is a true total (sum
        of counts, or a distinct count over the whole scope), never an average of rates. -#}
    {%- set grains = grains if grains is not none else var('metric_grains') %}
    {%- set parts = [] %}
    {%- for grain in grains %}{% for scope in ['department', 'region', 'city'] %}
    {%- do parts.append((grain, scope)) %}
    {%- endfor %}{% endfor %}
    {%- for grain, scope in parts %}
    select
        {% if metric_code is none %}metric_code{% else %}'{{ metric_code }}'{% endif %} as metric_code,
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


{#- The metric records: one row per metric x record, the one place each rule lives (issue 16, "one
    truth"). Each family of rules is an intermediate model int_metric_records__<family> with the columns
    below; the family's mart_metric__* aggregates it (metric_from_records) and fct_metric_records lists
    the union of all families (the audit trail), so a figure and its records cannot differ. -#}

{% macro metric_record_models() -%}
    {#- The record models, in the order fct_metric_records lists them. -#}
    {{ return([
        'int_metric_records__tasks',
        'int_metric_records__draws',
        'int_metric_records__matches',
        'int_metric_records__visits',
        'int_metric_records__results',
        'int_metric_records__items',
        'int_metric_records__inspectors',
        'int_metric_records__obligations',
    ]) }}
{%- endmacro %}


{% macro metric_record_columns() -%}
    {#- The columns every record model emits (it may carry more, e.g. visits' item_checks):
        metric_code; dept_code, region_code (the department the record counts for and its region);
        year and period_date (the date that places the record in its quarter and month; NULL for the
        annual register metrics); record_kind; record_key (the key counted once per cell);
        task_id, uscc, record_date, detail (what a reader needs to find the record);
        in_numerator, in_denominator (the rule). A record with both flags false still makes its cell
        exist (0/0, rate not applicable) but is not listed in fct_metric_records. -#}
    {{ return(['metric_code', 'dept_code', 'region_code', 'year', 'period_date', 'record_kind', 'record_key',
               'task_id', 'uscc', 'record_date', 'detail', 'in_numerator', 'in_denominator']) }}
{%- endmacro %}


{% macro metric_from_records(records, metric_codes, keys_repeat=false, numerator=none, denominator=none, grains=none, as_metric=none) -%}
    {#- The metrics `metric_codes` (one code or a list) at every scope and grain (metric_scopes, one pass
        grouped by metric_code) from their records in the relation `records` (a record model or a CTE
        over one): numerator = the records with in_numerator, denominator = the records with
        in_denominator, counted as distinct record_key: exactly what a reader of fct_metric_records
        counts for a cell.
        A record model has one row per metric x year x record_key (a unique key of its column_checks test
        on each holds it), so there a row count is that distinct count, and much cheaper (count(distinct)
        costs about 8x on DuckDB). keys_repeat=true where a key legitimately has several rows: the
        sampling ratios (an object drawn by several tasks counts once in a scope) and the visits (several
        results of one visit): there distinct keys are counted.
        `numerator` / `denominator` override an aggregate where the figure is not a count of these
        records (visits_saved: a sum of item checks; sampling ratios: the register, joined afterwards);
        `as_metric` labels the rows with another code (visits_saved over the joint_visit_share visits). -#}
    {%- set codes = [metric_codes] if metric_codes is string else metric_codes %}
    {%- if keys_repeat %}
    {%- set counted = 'count(distinct case when {flag} then record_key end)' %}
    {%- else %}
    {%- set counted = 'count(case when {flag} then 1 end)' %}
    {%- endif %}
    {{ metric_scopes(
        "(select * from " ~ records ~ " where metric_code in ('" ~ codes | join("', '") ~ "')) as records_of_metrics",
        as_metric,
        numerator if numerator is not none else counted.replace('{flag}', 'in_numerator'),
        denominator if denominator is not none else counted.replace('{flag}', 'in_denominator'),
        grains=grains) }}
{%- endmacro %}


{% macro union_rule_ctes(rules) -%}
    {#- The record models' last step: one CTE per rule (named by its metric code), stacked. -#}
    {%- for rule in rules %}
    select * from {{ rule.metric }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
