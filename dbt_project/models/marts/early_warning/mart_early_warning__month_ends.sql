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

month_ends as (

    select max(calendar.calendar_date) as warning_date
    from calendar
    cross join as_of
    where calendar.calendar_date < as_of.as_of_date
        and calendar.calendar_date >= {{ dbt.dateadd('year', -1, 'as_of.as_of_date') }}
    group by calendar.calendar_year, extract(month from calendar.calendar_date)
    -- whole months only (the as-of date's own month stops short of its end): the as-of date itself is
    -- mart_early_warning__obligations
    having extract(day from {{ dbt.dateadd('day', 1, 'max(calendar.calendar_date)') }}) = 1

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
