{#- Parsing of the free-text 抽查比例 cell of a task. Real cells look like
      5%   2%-5%   不低于10%   ≥20%   10%（20户）   3%;2次/年   1户   （20户）
    Clean the cell once with sampling_ratio_clean (full-width folded, whitespace removed) and pass
    the cleaned column to the other macros. Only portable pieces are used:
    regexp_extract(text, pattern, group) returns '' when nothing matches on DuckDB and Spark alike,
    the patterns hold no backslash (Spark reads it as an escape in a literal: [0-9] and [.] instead),
    and try_cast keeps a bad number NULL on both engines. -#}

{% macro sampling_ratio_clean(text) -%}
    nullif({{ strip_whitespace(fold_full_width(text)) }}, '')
{%- endmacro %}

{% macro _ratio_number() -%}[0-9]+(?:[.][0-9]+)?{%- endmacro %}

{% macro _ratio_range_pattern() -%}
    {#- lower bound, optional %, a range sign, upper bound, % -#}
    ({{ _ratio_number() }})%?[-~—–至到]({{ _ratio_number() }})%
{%- endmacro %}

{% macro sampling_ratio_pct(text) -%}
    {#- The ratio in percent; for a range its lower bound (`2%-5%` and `2-5%` -> 2). -#}
    try_cast(
        coalesce(
            nullif(regexp_extract({{ text }}, '{{ _ratio_range_pattern() }}', 1), ''),
            nullif(regexp_extract({{ text }}, '({{ _ratio_number() }})%', 1), '')
        ) as decimal(9, 4)
    )
{%- endmacro %}

{% macro sampling_ratio_pct_upper(text) -%}
    {#- The upper bound of a range (`2%-5%` -> 5); NULL when the cell is not a range. -#}
    try_cast(
        nullif(regexp_extract({{ text }}, '{{ _ratio_range_pattern() }}', 2), '')
        as decimal(9, 4)
    )
{%- endmacro %}

{% macro sampling_ratio_is_minimum(text) -%}
    {#- The ratio is a floor (`不低于10%`, `≥20%`, `不少于`, `至少`, `以上`); NULL when no text. -#}
    case
        when {{ text }} is null then null
        when {{ text }} like '%不低于%'
            or {{ text }} like '%不少于%'
            or {{ text }} like '%至少%'
            or {{ text }} like '%以上%'
            or {{ text }} like '%≥%'
            or {{ text }} like '%>=%'
            then true
        else false
    end
{%- endmacro %}

{% macro sampling_count(text) -%}
    {#- A count of objects (`1户`, `10%（20户）` -> 20); units 户 / 家 / 个. -#}
    try_cast(nullif(regexp_extract({{ text }}, '([0-9]+)[户家个]', 1), '') as bigint)
{%- endmacro %}

{% macro sampling_times_per_year(text) -%}
    {#- A frequency (`3%;2次/年` -> 2). -#}
    try_cast(nullif(regexp_extract({{ text }}, '([0-9]+)次/年', 1), '') as bigint)
{%- endmacro %}
