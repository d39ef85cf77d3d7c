-- Department names, as written in the current records, that do not resolve to exactly one
-- department through int_department__name_lookup: unknown names, and short names several
-- departments share. One row per entity, column and name as written. The same check runs as the
-- warn-level `resolves_to_department` tests on the staging models.
{%- set name_columns = [
    {'entity': 'item', 'column': 'dept_name', 'label': '实施部门'},
    {'entity': 'inspector', 'column': 'dept_name', 'label': '所属部门'},
    {'entity': 'plan', 'column': 'dept_name', 'label': '制定部门'},
    {'entity': 'task', 'column': 'lead_dept_name', 'label': '发起部门'},
    {'entity': 'task_department', 'column': 'dept_name', 'label': '参与部门'},
    {'entity': 'result', 'column': 'dept_name', 'label': '检查实施机关'},
    {'entity': 'referral', 'column': 'receiving_dept_name', 'label': '接收部门'},
    {'entity': 'blacklist', 'column': 'dept_name', 'label': '列入部门'},
] %}

with

names as (
    {% for c in name_columns %}
    select
        '{{ c.entity }}' as entity,
        '{{ c.column }}' as column_name,
        '{{ c.label }}' as column_label,
        {{ c.column }} as dept_name,
        {{ c.column }}_key as name_key
    from {{ ref('stg_platform__' ~ c.entity) }}
    where {{ c.column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

lookup as (

    select * from {{ ref('int_department__name_lookup') }}

),

entities as (

    select * from {{ ref('platform_entities') }}

),

unresolved as (

    select
        names.entity,
        names.column_name,
        names.column_label,
        names.dept_name,
        names.name_key,
        case
            when lookup.is_ambiguous then '名称对应多个部门'
            else '未找到该部门'
        end as problem,
        count(*) as records
    from names
    left join lookup
        on names.name_key = lookup.name_key
    where lookup.dept_code is null
    group by all

),

final as (

    select
        unresolved.entity,
        entities.title as entity_title,
        unresolved.column_name,
        unresolved.column_label,
        unresolved.dept_name,
        unresolved.name_key,
        unresolved.problem,
        unresolved.records
    from unresolved
    inner join entities
        on unresolved.entity = entities.entity

)

select * from final
