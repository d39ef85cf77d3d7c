{#- Every publication clock must run on the official calendar: an event in a year that seed
    official_calendar does not cover, or whose deadline falls past its last day, fails the build
    with the year and how to add it. Never a silent Monday-Friday fallback.
    Returns one row per missing year (events, first and last event date); when executed it raises
    an error naming the year, so the message shows in the dbt output. -#}
{%- set check_sql -%}
with

calendar as (

    select * from {{ ref('official_calendar') }}

),

obligations as (

    select * from {{ ref('int_publication__obligations') }}
    where event_date is not null

),

bounds as (

    select
        min(calendar_date) as first_date,
        max(calendar_date) as last_date,
        max(calendar_year) as last_year,
        max(working_day_seq) as last_seq
    from calendar

),

uncovered as (

    select
        case
            when obligations.event_date < bounds.first_date or obligations.event_date > bounds.last_date
                then cast(extract(year from obligations.event_date) as int)
            else bounds.last_year + 1
        end as missing_year,
        obligations.event_date
    from obligations
    cross join bounds
    left join calendar as event_day
        on obligations.event_date = event_day.calendar_date
    where event_day.calendar_date is null
        or event_day.working_day_seq + obligations.working_days > bounds.last_seq

)

select
    missing_year,
    count(*) as events,
    min(event_date) as first_event_date,
    max(event_date) as last_event_date
from uncovered
group by missing_year
{%- endset -%}

{%- if execute -%}
    {%- set found = run_query(check_sql) -%}
    {%- if found.rows | length > 0 -%}
        {%- set lines = [] -%}
        {%- for row in found.rows | sort(attribute='missing_year') -%}
            {%- do lines.append(
                'no official working-day calendar for ' ~ row['missing_year'] ~ ': '
                ~ row['events'] ~ ' publication event(s) from ' ~ row['first_event_date']
                ~ ' to ' ~ row['last_event_date'] ~ ' need it'
            ) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            lines | join('; ')
            ~ '. Add the State Council schedule of the year to dbt_project/seeds/calendar_overrides.csv'
            ~ ' (calendar_date,is_working_day,holiday_name,note: every day off and every make-up working day)'
            ~ ' or upgrade chinese-calendar once it covers the year, then run `python -m pipelines.calendar_seed`'
            ~ ' and rebuild; working days are never guessed as Monday-Friday'
        ) }}
    {%- endif -%}
{%- endif %}

{{ check_sql }}
