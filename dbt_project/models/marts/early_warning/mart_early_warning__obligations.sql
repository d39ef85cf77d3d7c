-- 预警：公示义务。Obligations whose clock has started and that are not published as of the data's as-of
-- date (var as_of_date, default the latest export batch): overdue ones, and those due within the next
-- var early_warning_working_days official working days. working_days_left = official working days from
-- the as-of date to the deadline (0 = due today; negative = overdue by that many working days).
with

obligations as (

    select * from {{ ref('mart_publication__obligations') }}
    where status in ('not_yet_due', 'overdue_unpublished')

),

calendar as (

    select * from {{ ref('official_calendar') }}

),

with_days as (

    select
        obligations.*,
        obligations.deadline_working_day_seq - as_of_day.working_day_seq
            -- on a non-working as-of day the next working day is the first that counts
            - case when as_of_day.is_working_day then 0 else 1 end as working_days_left
    from obligations
    inner join calendar as as_of_day
        on obligations.as_of_date = as_of_day.calendar_date

),

final as (

    select
        *,
        case
            when status = 'overdue_unpublished' then 'overdue'
            when working_days_left <= {{ var('early_warning_working_days') }} then 'due_soon'
        end as warning
    from with_days
    where status = 'overdue_unpublished'
        or working_days_left <= {{ var('early_warning_working_days') }}

)

select * from final
