-- Department names, as written in the current records, that do not resolve to exactly one
-- department through int_department__name_lookup: unknown names, and short names several
-- departments share. One row per entity, column and name as written. The same check runs as the
-- warn-level `resolves_to_department` tests on the staging models.
-- 不予公示: a name written in a non-disclosed result (检查实施机关) or in a referral on one (接收部门)
-- is never shown: such names are counted under a fixed text (is_withheld, name_key blank), one row
-- per entity, column and problem, so the operator knows an unresolved name exists in a withheld
-- record and how many records use one, but not the name (no token either: a hash of a name could be
-- matched against the names shown in the other rows).
{%- set name_columns = [
    {'entity': 'item', 'column': 'dept_name', 'label': '实施部门'},
    {'entity': 'inspector', 'column': 'dept_name', 'label': '所属部门'},
    {'entity': 'plan', 'column': 'dept_name', 'label': '制定部门'},
    {'entity': 'task', 'column': 'lead_dept_name', 'label': '发起部门'},
    {'entity': 'task_department', 'column': 'dept_name', 'label': '参与部门'},
    {'entity': 'result', 'column': 'dept_name', 'label': '检查实施机关', 'withheld': 'src.nondisclosure_reason is not null'},
    {'entity': 'referral', 'column': 'receiving_dept_name', 'label': '接收部门', 'withheld': 'nondisclosed_results.result_id is not null', 'on_result': true},
    {'entity': 'blacklist', 'column': 'dept_name', 'label': '列入部门'},
] %}
{%- set withheld_name = '（不予公示记录中的名称，不予展示）' %}

with

nondisclosed_results as (

    select result_id
    from {{ ref('stg_platform__result') }}
    where nondisclosure_reason is not null

),

names as (
    {% for c in name_columns %}
    select
        '{{ c.entity }}' as entity,
        '{{ c.column }}' as column_name,
        '{{ c.label }}' as column_label,
        src.{{ c.column }} as dept_name,
        src.{{ c.column }}_key as name_key,
        {{ c.withheld if c.withheld else 'false' }} as is_withheld
    from {{ ref('stg_platform__' ~ c.entity) }} as src
    {%- if c.on_result %}
    left join nondisclosed_results
        on src.result_id = nondisclosed_results.result_id
    {%- endif %}
    where src.{{ c.column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

lookup as (

    select * from {{ ref('int_department__name_lookup') }}

),

entities as (

    select * from {{ ref('platform_entities') }}

),

-- the lookup joins on the name as written; only then is a withheld record's name replaced
unmatched as (

    select
        names.entity,
        names.column_name,
        names.column_label,
        case when names.is_withheld then '{{ withheld_name }}' else names.dept_name end as dept_name,
        case when names.is_withheld then null else names.name_key end as name_key,
        case
            when lookup.is_ambiguous then '名称对应多个部门'
            else '未找到该部门'
        end as problem,
        names.is_withheld
    from names
    left join lookup
        on names.name_key = lookup.name_key
    where lookup.dept_code is null

),

unresolved as (

    select
        entity,
        column_name,
        column_label,
        dept_name,
        name_key,
        problem,
        is_withheld,
        count(*) as records
    from unmatched
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
        unresolved.is_withheld,
        unresolved.records
    from unresolved
    inner join entities
        on unresolved.entity = entities.entity

)

select * from final
