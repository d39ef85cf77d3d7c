-- The official working-day calendar (seed official_calendar) for readers of the serving artefact.
-- counting_working_day_seq is the number working days are counted from on that date: the day's own
-- on a working day, the next working day's on a rest day (macro early_warning_obligations).
with

calendar as (

    select * from {{ ref('official_calendar') }}

)

select
    calendar_date,
    is_working_day,
    working_day_seq,
    working_day_seq + case when is_working_day then 0 else 1 end as counting_working_day_seq,
    day_kind,
    holiday_name
from calendar
