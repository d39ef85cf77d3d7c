-- 预警（历史）：the early warning as it stood at each month end of the twelve months before the as-of
-- date, so a reader can see what was pending, due soon or overdue then (publications made later were
-- not yet made). Same rule as mart_early_warning__obligations (macro early_warning_obligations); one
-- row per month end x obligation.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

calendar as (

    select * from {{ ref('official_calendar') }}

),

-- the last day of each month in the calendar (month arithmetic on year x 12 + month: no engine's
-- date functions needed)
month_last_days as (

    select
        calendar_year * 12 + cast(extract(month from calendar_date) as int) as month_number,
        max(calendar_date) as warning_date
    from calendar
    group by calendar_year, extract(month from calendar_date)

),

-- the twelve whole months before the as-of date's month (that month itself is the as-of mart)
month_ends as (

    select month_last_days.warning_date
    from month_last_days
    cross join as_of
    where month_last_days.warning_date < as_of.as_of_date
        and month_last_days.month_number >= cast(extract(year from as_of.as_of_date) as int) * 12
            + cast(extract(month from as_of.as_of_date) as int) - 12

),

obligations_on_month_ends as (

    select
        obligations.*,
        month_ends.warning_date
    from {{ ref('mart_publication__obligations') }} as obligations
    cross join month_ends

),

final as (

    {{ early_warning_obligations('obligations_on_month_ends') }}

)

select * from final
