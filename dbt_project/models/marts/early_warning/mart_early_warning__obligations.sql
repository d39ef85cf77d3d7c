-- 预警：公示义务。Obligations whose clock has started and that are not published on the build's as-of
-- date (int_as_of_date): overdue ones, and those due within the next var early_warning_working_days
-- official working days. working_days_left = official working days from the as-of date to the deadline
-- (0 = due today; negative = overdue by that many working days). The rule is macro
-- early_warning_obligations, shared with mart_early_warning__month_ends.
with

obligations_on_as_of as (

    select
        *,
        as_of_date as warning_date
    from {{ ref('mart_publication__obligations') }}

),

final as (

    {{ early_warning_obligations('obligations_on_as_of') }}

)

select * from final
