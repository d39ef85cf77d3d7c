{% test resolves_to_department(model, column_name) %}
{#- Warns with one row per department name (as written) that does not resolve to exactly one
    department through int_department__name_lookup (unknown, or a short name shared by several).
    mart_data_status__unresolved_department_names lists the same names for the data-status page. -#}
{{ config(severity='warn') }}
with

names as (
    select
        {{ column_name }} as dept_name,
        {{ name_key(column_name) }} as name_key
    from {{ model }}
    where {{ column_name }} is not null
),

lookup as (
    select * from {{ ref('int_department__name_lookup') }}
)

select
    names.dept_name,
    count(*) as records
from names
left join lookup
    on names.name_key = lookup.name_key
where lookup.dept_code is null
group by names.dept_name
{% endtest %}
