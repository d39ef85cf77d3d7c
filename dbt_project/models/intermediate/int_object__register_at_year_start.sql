-- The object register (检查对象名录库) as of 1 January of every year that has tasks, counted per
-- region_code and credit class. APPROXIMATION: the platform export holds only the current version
-- of each object, so "in the register on 1 January" is registered_date before 1 January AND the
-- current status 存续; objects deregistered, revoked or moved out since then are missed, and the
-- credit class is the current one, not the one on 1 January.
with

objects as (

    select * from {{ ref('stg_platform__object') }}

),

years as (

    select distinct year
    from {{ ref('int_task__resolved') }}
    where year is not null

),

final as (

    select
        years.year,
        objects.region_code,
        objects.credit_class,
        count(*) as objects
    from years
    inner join objects
        on objects.registered_date < cast(cast(years.year as string) || '-01-01' as date)
    where objects.status = '存续'
    group by all

)

select * from final
