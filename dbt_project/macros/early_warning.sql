{% macro early_warning_obligations(obligations_on_dates) -%}
    {#- The early-warning rule, once, for any warning date: from a relation of obligation rows
        (mart_publication__obligations columns) each with a `warning_date`, the obligations whose clock
        had started by that date and that were still unpublished on it; working_days_left = official
        working days from the warning date to the deadline (a rest day counts from the next working
        day, as dim_calendar.counting_working_day_seq publishes it); warning `overdue` once the deadline has passed,
        `due_soon` within var early_warning_working_days. -#}
    with

    pending as (

        select *
        from {{ obligations_on_dates }}
        where status in ('on_time', 'late', 'overdue_unpublished', 'not_yet_due')
            and event_date <= warning_date
            and (published_date is null or published_date > warning_date)

    ),

    with_days as (

        select
            pending.*,
            pending.deadline_working_day_seq
                - (warning_day.working_day_seq + case when warning_day.is_working_day then 0 else 1 end)
                as working_days_left
        from pending
        inner join {{ ref('official_calendar') }} as warning_day
            on pending.warning_date = warning_day.calendar_date

    )

    select
        *,
        case
            when deadline_date < warning_date then 'overdue'
            else 'due_soon'
        end as warning
    from with_days
    where deadline_date < warning_date
        or working_days_left <= {{ var('early_warning_working_days') }}
{%- endmacro %}
