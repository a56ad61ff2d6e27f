# Stubs of every Vivado command that vivado/build.tcl uses, so that tclsh can run the flow without
# Vivado: each call is printed as "CALL <command> <args>"; runs, validation and timing follow env:
#   STUB_FAIL=synth_1|impl_1|validate   make that step fail;   STUB_WNS=<ns>   the worst setup slack.
# Usage: tclsh vivado_stubs.tcl <build.tcl> [-tclargs ...]
set script [lindex $argv 0]
set argv [lrange $argv 1 end]
set argc [llength $argv]
set ::stub_project_dir ""
set ::stub_project_name ""

proc stub_record {name args} {
    puts "CALL $name [join $args { }]"
}
proc stub_failing {what} {
    return [expr {[info exists ::env(STUB_FAIL)] && $::env(STUB_FAIL) eq $what}]
}

foreach cmd {set_property add_files update_compile_order create_bd_design apply_bd_automation connect_bd_intf_net
             connect_bd_net assign_bd_address save_bd_design wait_on_run open_run report_utilization
             report_timing_summary} {
    proc $cmd {args} "stub_record $cmd {*}\$args"
}
proc create_project {args} {
    stub_record create_project {*}$args
    set words [lsearch -all -inline -not -exact $args -force]
    set ::stub_project_name [lindex $words 0]
    set ::stub_project_dir [lindex $words 1]
}
proc get_board_parts {args} { stub_record get_board_parts {*}$args; return "" }
proc current_project {} { return $::stub_project_name }
proc current_fileset {} { return sources_1 }
proc get_runs {name} { return $name }
proc get_files {args} { return system.bd }
proc get_bd_pins {pattern} { return $pattern }
proc get_bd_intf_pins {pattern} { return $pattern }
proc get_timing_paths {args} { return worst_path }
proc create_bd_cell {args} { stub_record create_bd_cell {*}$args; return [lindex $args end] }
proc validate_bd_design {args} {
    stub_record validate_bd_design
    if {[stub_failing validate]} { error {stub: [BD 41-758] unconnected interface} }
}
proc make_wrapper {args} { stub_record make_wrapper {*}$args; return system_wrapper.v }
proc launch_runs {run args} {
    stub_record launch_runs $run {*}$args
    if {$run eq "impl_1" && ![stub_failing impl_1]} {
        # what a bitstream run leaves behind
        set runs [file join $::stub_project_dir $::stub_project_name.runs impl_1]
        set hw [file join $::stub_project_dir $::stub_project_name.gen sources_1 bd system hw_handoff]
        file mkdir $runs $hw
        close [open [file join $runs system_wrapper.bit] w]
        close [open [file join $hw system.hwh] w]
    }
}
proc get_property {name object} {
    switch -- $name {
        PROGRESS { return [expr {[stub_failing $object] ? "0%" : "100%"}] }
        STATUS { return [expr {[stub_failing $object] ? "synth_design ERROR" : "Complete!"}] }
        DIRECTORY { return [file join $::stub_project_dir $::stub_project_name.runs $object] }
        SLACK { return [expr {[info exists ::env(STUB_WNS)] ? $::env(STUB_WNS) : 0.412}] }
        default { error "stub: get_property $name is not stubbed" }
    }
}
rename exit stub_real_exit
proc exit {{code 0}} {
    puts "EXIT $code"
    stub_real_exit $code
}
source $script
puts "EXIT 0"
