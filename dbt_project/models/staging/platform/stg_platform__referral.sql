with

source as (

    select * from {{ source('raw', 'referral') }}

),

current_version as (

    {{ current_version('source', ['referral_id']) }}

),

final as (

    select
        referral_id,
        result_id,
        receiving_dept_name,
        {{ name_key('receiving_dept_name') }} as receiving_dept_name_key,
        referral_date,
        {{ lineage_columns() }}
    from current_version

)

select * from final
