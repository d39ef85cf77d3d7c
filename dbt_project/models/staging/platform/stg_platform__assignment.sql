{{ config(
    materialized=staging_materialization(),
    unique_key=['task_id', 'uscc', 'inspector_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ forget_vanished_keys('assignment') }}",
) }}
-- Incremental on DuckDB: only the keys a new load touched are recomputed (macros/incremental_staging.sql).
with

source as (

    select * from {{ source('raw', 'assignment') }}
    {{ only_changed_keys('assignment') }}

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
