with

source as (

    select * from {{ source('raw', 'assignment') }}

),

current_version as (

    {{ current_version('source', ['task_id', 'uscc', 'inspector_id']) }}

),

final as (

    select
        task_id,
        uscc,
        inspector_id,
        is_team_leader,
        match_mode,
        match_mode = '随机匹配' as is_random_match,
        {{ lineage_columns() }}
    from current_version

)

select * from final
