-- The key is (task_id, department name key): a restatement that only differs in spacing or
-- full-width characters of the department name supersedes the earlier row.
with

source as (

    select * from {{ source('raw', 'task_department') }}

),

keyed as (

    select
        *,
        {{ name_key('dept_name') }} as dept_name_key
    from source

),

current_version as (

    {{ current_version('keyed', ['task_id', 'dept_name_key']) }}

),

final as (

    select
        task_id,
        dept_name,
        dept_name_key,
        dept_role,
        dept_role = '发起' as is_lead,
        {{ lineage_columns() }}
    from current_version

)

select * from final
