-- The policy's milestones (seed milestones: 2020-09-30 mechanisms; end of 2022 comprehensive
-- supervision) with the city-wide value of each metric that measures them in the year of the due date.
-- A milestone is achieved when every one of its metrics meets its target (fct_metric_values.target_met);
-- NULL (unknown) while any of them has no value or no target yet.
with

milestones as (

    select * from {{ ref('milestones') }}

),

city_values as (

    select * from {{ ref('fct_metric_values') }}
    where scope = 'city'
        and grain = 'year'

),

components as (

    select
        milestones.milestone,
        milestones.due_date,
        milestones.metric_code,
        cast(extract(year from milestones.due_date) as int) as year,
        city_values.numerator,
        city_values.denominator,
        city_values.rate,
        city_values.target,
        city_values.target_direction,
        city_values.target_met
    from milestones
    left join city_values
        on milestones.metric_code = city_values.metric_code
        and cast(extract(year from milestones.due_date) as int) = city_values.year

),

final as (

    select
        *,
        case
            when count(*) over (partition by milestone)
                > count(target_met) over (partition by milestone) then null
            else min(case when target_met then 1 else 0 end) over (partition by milestone) = 1
        end as milestone_achieved
    from components

)

select * from final
