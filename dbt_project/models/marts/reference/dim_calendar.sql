-- The official working-day calendar (seed official_calendar) for readers of the serving artefact:
-- the early warning as of any chosen date counts working days with working_day_seq, exactly as
-- mart_early_warning__obligations does for the data's as-of date.
with

calendar as (

    select * from {{ ref('official_calendar') }}

)

select
    calendar_date,
    is_working_day,
    working_day_seq,
    day_kind,
    holiday_name
from calendar
