-- The load log as it is: one row per export file the ingestion loaded or rejected as a whole.
with

source as (

    select * from {{ source('raw', 'load_log') }}

),

final as (

    select
        batch_id,
        batch_date,
        file_name,
        entity,
        file_sha256,
        file_bytes,
        file_format,
        status,
        rows_read,
        rows_loaded,
        rows_rejected,
        message,
        loaded_at
    from source

)

select * from final
