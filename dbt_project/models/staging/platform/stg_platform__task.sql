-- Tasks, current version per task_id. Adds the task flags the metrics use and the 抽查比例 cell
-- parsed (macros/sampling_ratio.sql) beside its raw text.
with

source as (

    select * from {{ source('raw', 'task') }}

),

current_version as (

    {{ current_version('source', ['task_id']) }}

),

cleaned as (

    select
        *,
        {{ sampling_ratio_clean('sampling_ratio_text') }} as sampling_ratio_clean
    from current_version

),

final as (

    select
        task_id,
        task_name,
        plan_id,
        lead_dept_name,
        {{ name_key('lead_dept_name') }} as lead_dept_name_key,
        task_source,
        task_source <> '计划' as is_temporary,
        task_scope,
        task_scope = '跨部门' as is_joint,
        directed,
        directed = '定向' as is_directed,
        is_surprise,
        item_codes,
        object_scope,
        sampling_ratio_text,
        {{ sampling_ratio_pct('sampling_ratio_clean') }} as sampling_ratio_pct,
        {{ sampling_ratio_pct_upper('sampling_ratio_clean') }} as sampling_ratio_pct_upper,
        {{ sampling_ratio_is_minimum('sampling_ratio_clean') }} as sampling_ratio_is_minimum,
        {{ sampling_count('sampling_ratio_clean') }} as sampling_count,
        {{ sampling_times_per_year('sampling_ratio_clean') }} as sampling_times_per_year,
        is_credit_linked,
        start_date,
        end_date,
        approved_date,
        published_date,
        {{ lineage_columns() }}
    from cleaned

)

select * from final
