-- Rejected rows, one per (batch, file, row), with the lineage columns renamed for reading.
with

source as (

    select * from {{ source('raw', 'rejects') }}

),

final as (

    select
        entity,
        _batch_id as batch_id,
        _batch_date as batch_date,
        _file_name as file_name,
        _row_number as file_row_number,
        reasons,
        reason_kinds,
        row_json,
        -- 不予公示, decided at ingest (NULL only for rows of a warehouse not yet opened by this ingest)
        is_withheld,
        _loaded_at as loaded_at
    from source

)

select * from final
