-- The long holidays of each year, from the official calendar's own holiday names: a long holiday is
-- the whole run of consecutive days off (weekends joined to it and extensions such as the 2020 Spring
-- Festival included, exactly as the calendar has them) that contains a day named in seed
-- long_holidays (春节, 国庆节). Days off in one run share a working_day_seq (the number of the last
-- working day before them), which groups them without date arithmetic.
with

calendar as (

    select * from {{ ref('official_calendar') }}

),

long_holidays as (

    select * from {{ ref('long_holidays') }}

),

days_off as (

    select
        calendar.calendar_date,
        calendar.working_day_seq,
        long_holidays.long_holiday
    from calendar
    left join long_holidays
        on calendar.holiday_name = long_holidays.holiday_name
    where not calendar.is_working_day

),

runs as (

    select
        working_day_seq,
        min(calendar_date) as first_day,
        max(calendar_date) as last_day,
        max(long_holiday) as long_holiday
    from days_off
    group by working_day_seq

),

final as (

    select
        long_holiday,
        cast(extract(year from last_day) as int) as holiday_year,
        first_day,
        last_day
    from runs
    where long_holiday is not null

)

select * from final
