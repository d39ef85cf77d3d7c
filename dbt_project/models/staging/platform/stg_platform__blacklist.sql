-- The key is (uscc, department name key, listed date), the name key so that a restatement that
-- only differs in spacing or full-width characters supersedes the earlier row.
with

source as (

    select * from {{ source('raw', 'blacklist') }}

),

keyed as (

    select
        *,
        {{ name_key('dept_name') }} as dept_name_key
    from source

),

current_version as (

    {{ current_version('keyed', ['uscc', 'dept_name_key', 'listed_date']) }}

),

final as (

    select
        uscc,
        object_name,
        dept_name,
        dept_name_key,
        listed_date,
        removed_date,
        reason,
        {{ lineage_columns() }}
    from current_version

)

select * from final
