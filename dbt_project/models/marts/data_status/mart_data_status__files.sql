-- One row per export file the ingestion loaded or rejected as a whole (one per load attempt),
-- with the entity's Chinese title and a status label for the data-status page.
with

load_log as (

    select * from {{ ref('stg_platform__load_log') }}

),

entities as (

    select * from {{ ref('platform_entities') }}

),

final as (

    select
        load_log.batch_id,
        load_log.batch_date,
        load_log.file_name,
        load_log.entity,
        coalesce(entities.title, '未识别') as entity_title,
        load_log.file_format,
        load_log.file_bytes,
        load_log.file_sha256,
        load_log.status,
        case
            when load_log.status = 'rejected' then '整文件拒收'
            when load_log.status = 'loaded' and load_log.rows_rejected > 0 then '已加载（部分行拒收）'
            when load_log.status = 'loaded' then '已加载'
            else load_log.status
        end as status_label,
        load_log.rows_read,
        load_log.rows_loaded,
        load_log.rows_rejected,
        load_log.message,
        load_log.loaded_at
    from load_log
    left join entities
        on load_log.entity = entities.entity

)

select * from final
