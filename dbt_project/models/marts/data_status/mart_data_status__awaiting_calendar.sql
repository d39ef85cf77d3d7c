-- Publication clocks waiting for the official calendar: one row per year the calendar must be
-- extended to, with how many obligations wait and their event dates. Empty when the calendar covers
-- every clock. 数据状态 shows it as a banner and `make check` as a warning; nothing is guessed.
with

obligations as (

    select * from {{ ref('mart_publication__obligations') }}
    where status = 'awaiting_calendar'

),

final as (

    select
        calendar_year_needed,
        count(*) as obligations,
        min(event_date) as first_event_date,
        max(event_date) as last_event_date
    from obligations
    group by calendar_year_needed

)

select * from final
