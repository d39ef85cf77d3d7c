-- Inspector participation: inspectors in the register during the year who were matched at least once
-- to a task of the year / inspectors in the register during the year, for the inspector's department.
-- Rules in the .yml.
with

records as (

    select * from {{ ref('int_inspector__participation_records') }}

),

scoped as (
    {{ metric_scopes('records', 'inspector_participation',
        'count(distinct case when is_matched then inspector_id end)', 'count(distinct inspector_id)', grains=['year']) }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
