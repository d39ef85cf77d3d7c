{% test column_checks(model, not_null=[], accepted_values={}, unique=[]) %}
{#- A model's column rules in one test (one dbt node) instead of one generic test per column and rule:
    - not_null: columns that never hold a null;
    - accepted_values: {column: [values]}: a non-null value outside the list fails (nulls pass, as in
      dbt's accepted_values; values compared as text);
    - unique: keys that occur once: a column name (nulls ignored, as in dbt's unique) or a list of
      columns (a combination, nulls included, as unique_combination_of_columns).
    Each test is a dbt node with a fixed cost (about 30 ms on DuckDB, 0.7 s on Spark) whatever it reads;
    one per column was most of the build's test time (docs/performance.md). The null and value rules
    share one scan; each key is one GROUP BY. Fails with one row per broken rule: the rule, its
    column(s), how many rows (or duplicated keys) break it and one example value.
    Plain SQL (no FILTER, no UNPIVOT): it runs on Spark as on DuckDB. -#}
{%- set scanned = [] %}
{%- for column in not_null %}
    {%- do scanned.append(('not_null', column,
        'sum(case when ' ~ column ~ ' is null then 1 else 0 end)', 'cast(null as string)')) %}
{%- endfor %}
{%- for column, values in accepted_values.items() %}
    {%- set literals = values | map('string') | map('replace', "'", "''") | list %}
    {%- set outside = 'cast(' ~ column ~ " as string) not in ('" ~ literals | join("', '") ~ "')" %}
    {%- do scanned.append(('accepted_values', column,
        'sum(case when ' ~ outside ~ ' then 1 else 0 end)', 'min(case when ' ~ outside ~ ' then cast(' ~ column ~ ' as string) end)')) %}
{%- endfor %}
{%- set rules = [] %}
{%- if scanned %}
{%- set scan %}
with scanned as (
    select
    {%- for rule, column, failing, example in scanned %}
        {{ failing }} as failing_{{ loop.index }},
        {{ example }} as example_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for rule, column, failing, example in scanned %}
select '{{ rule }}' as rule_name, '{{ column }}' as column_name, cast(failing_{{ loop.index }} as bigint) as failing_rows,
    example_{{ loop.index }} as example from scanned where failing_{{ loop.index }} > 0
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endset %}
{%- do rules.append(scan) %}
{%- endif %}
{%- for key in unique %}
{%- set columns = [key] if key is string else key %}
{%- set keys %}
select 'unique' as rule_name, '{{ columns | join(", ") }}' as column_name, cast(count(*) as bigint) as failing_rows,
    min(key_text) as example
from (
    select concat_ws('|', cast({{ columns | join(' as string), cast(') }} as string)) as key_text
    from {{ model }}
    {%- if key is string %}
    where {{ key }} is not null
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
) as duplicated
having count(*) > 0
{%- endset %}
{%- do rules.append(keys) %}
{%- endfor %}
{%- if not rules %}
    {{ exceptions.raise_compiler_error("column_checks on " ~ model ~ " names no rule: give not_null, accepted_values or unique") }}
{%- endif %}
{{ rules | join('\nunion all\n') }}
{% endtest %}
