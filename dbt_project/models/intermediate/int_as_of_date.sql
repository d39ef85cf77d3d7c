-- The one as-of date (统计截止日) of the whole build: every model that judges "by now" (overdue or
-- not yet due, task ended or running, early warning) reads it from here, so no two marts can disagree.
-- dbt var as_of_date when given (a rebuild as of an earlier day), else the latest export batch date
-- among the files that were loaded: a batch refused whole does not move it, and rebuilding old data
-- gives the same statuses. Published in dim_settings (the serving metadata).
{%- set as_of_var = var('as_of_date', none) %}
with

load_log as (

    select * from {{ ref('stg_platform__load_log') }}

),

final as (

    {% if as_of_var is not none %}
    select
        cast('{{ as_of_var }}' as date) as as_of_date,
        'var' as as_of_basis
    {% else %}
    select
        max(batch_date) as as_of_date,
        'latest_loaded_batch' as as_of_basis
    from load_log
    where status = 'loaded'
    {% endif %}

)

select * from final
