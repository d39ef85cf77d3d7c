-- The assessment years of the register-based metrics (item coverage, inspector participation,
-- mechanism coverage): every year with at least one task (year of its start date) or one annual plan
-- (plan_year). Years without any activity data get no rows rather than a row of zeros.
with

tasks as (

    select * from {{ ref('int_task__resolved') }}

),

plans as (

    select * from {{ ref('stg_platform__plan') }}

),

years as (

    select year from tasks where year is not null
    union
    select cast(plan_year as int) as year from plans where plan_year is not null

)

select year from years
