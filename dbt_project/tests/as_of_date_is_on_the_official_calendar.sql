{#- The as-of date itself must be a day of the official calendar: every "working days left" of the early
    warning is counted from it, and an as-of date past the calendar's last day would leave the warning
    silently empty (nothing overdue, nothing due soon). Publication clocks that run past the calendar
    are awaiting_calendar and do not stop the build (every December); an as-of date past it does, with
    the year and how to add it. Never a Monday-Friday fallback.
    Returns the as-of date when it is off the calendar; when executed it raises an error saying so. -#}
{%- set check_sql -%}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

calendar as (

    select * from {{ ref('official_calendar') }}

),

bounds as (

    select min(calendar_date) as first_date, max(calendar_date) as last_date
    from calendar

)

select
    as_of.as_of_date,
    as_of.as_of_basis,
    cast(extract(year from as_of.as_of_date) as int) as missing_year,
    bounds.first_date,
    bounds.last_date
from as_of
cross join bounds
where as_of.as_of_date is not null
    and (as_of.as_of_date < bounds.first_date or as_of.as_of_date > bounds.last_date)
{%- endset -%}

{%- if execute -%}
    {%- set found = run_query(check_sql) -%}
    {%- if found.rows | length > 0 -%}
        {%- set row = found.rows[0] -%}
        {{ exceptions.raise_compiler_error(
            'no official working-day calendar for ' ~ row['missing_year'] ~ ': the as-of date '
            ~ row['as_of_date'] ~ ' (' ~ row['as_of_basis'] ~ ') lies outside the calendar ('
            ~ row['first_date'] ~ ' to ' ~ row['last_date'] ~ '), so no working day can be counted from it'
            ~ '. Add the State Council schedule of the year to dbt_project/seeds/calendar_overrides.csv'
            ~ ' (calendar_date,is_working_day,holiday_name,note: every day off and every make-up working day)'
            ~ ' or upgrade chinese-calendar once it covers the year, then run `make docs`'
            ~ ' (python -m pipelines.calendar_seed) and rebuild; working days are never guessed as Monday-Friday'
        ) }}
    {%- endif -%}
{%- endif %}

{{ check_sql }}
