-- Departments (current version of the platform's register) for labels and filters: code, full and
-- short name, level, region and membership of the joint mechanism (成员单位).
with

departments as (

    select * from {{ ref('stg_platform__department') }}

)

select
    dept_code,
    dept_name,
    coalesce(dept_short_name, dept_name) as dept_short_name,
    dept_level,
    region_code,
    is_member
from departments
