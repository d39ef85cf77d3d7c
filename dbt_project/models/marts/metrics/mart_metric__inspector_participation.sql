-- Inspector participation: inspectors in the register during the year who were matched at least once
-- to a task of the year / inspectors in the register during the year, for the inspector's department
-- (rules: int_inspector__participation_records, as records in int_metric_records__inspectors).
-- Annual only.
with

inspector_records as (

    select * from {{ ref('int_metric_records__inspectors') }}

),

scoped as (
    {{ metric_from_records('inspector_records', 'inspector_participation', grains=['year']) }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
