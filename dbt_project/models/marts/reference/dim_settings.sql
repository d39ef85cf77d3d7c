-- The serving metadata of a build (one row): the as-of date every status was judged on
-- (int_as_of_date) and where it came from, the settings a reader needs to describe the figures (early
-- warning horizon, how many shortfalls the circular cites, the city's code) and the span of the
-- official working-day calendar. The dashboard and the reports read these instead of copying them.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

calendar as (

    select
        min(calendar_date) as calendar_first_date,
        max(calendar_date) as calendar_last_date
    from {{ ref('official_calendar') }}

)

select
    as_of.as_of_date,
    as_of.as_of_basis,
    cast({{ var('early_warning_working_days') }} as int) as early_warning_working_days,
    cast({{ var('circular_main_shortfalls') }} as int) as circular_main_shortfalls,
    '{{ var("city_region_code") }}' as city_region_code,
    calendar.calendar_first_date,
    calendar.calendar_last_date
from as_of
cross join calendar
