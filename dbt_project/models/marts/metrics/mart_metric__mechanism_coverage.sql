-- 制度机制全覆盖: member departments with every mechanism in place / member departments, per year
-- (mechanism_coverage) and at the seed's milestone date (mechanism_coverage_milestone, year of the
-- milestone). Components and choices: mart_metric__mechanism_coverage_detail.
with

detail as (

    select * from {{ ref('mart_metric__mechanism_coverage_detail') }}

),

annual as (

    select * from detail
    where basis = 'annual'

),

milestone as (

    select * from detail
    where basis = 'milestone'

),

by_year as (
    {{ metric_scopes('annual', 'mechanism_coverage', 'count(*) filter (where is_complete)', 'count(*)', grains=['year']) }}
),

by_milestone as (
    {{ metric_scopes('milestone', 'mechanism_coverage_milestone', 'count(*) filter (where is_complete)', 'count(*)', grains=['year']) }}
),

unioned as (

    select * from by_year
    union all
    select * from by_milestone

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
