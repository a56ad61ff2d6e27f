# Stubs of every Vivado command that vivado/build.tcl and vivado/package_ip.tcl use, so that tclsh can run the
# flow without Vivado: each call is printed as "CALL <command> <args>"; runs, validation and timing follow env:
#   STUB_FAIL=synth_1|impl_1|validate|integrity   make that step fail;   STUB_WNS=<ns>   the worst setup slack.
# ipx::package_project reads the Verilog files added to the project, finds the top module set with
# "set_property top", and takes the bus interfaces that its X_INTERFACE_INFO attributes declare, as Vivado's
# packager infers them; ipx::get_bus_interfaces answers from those. The ipx objects are named
# "core", "memory_map:<name>", "address_block:<name>", "register:<name>", and a command given an object of the
# wrong kind fails, as Vivado's would.
# Usage: tclsh vivado_stubs.tcl <build.tcl|package_ip.tcl> [-tclargs ...]
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

namespace eval ipx {}
set ::stub_files {}
set ::stub_top ""
set ::stub_bus_interfaces {}
set ::stub_core ""

foreach cmd {update_compile_order create_bd_design apply_bd_automation connect_bd_intf_net
             connect_bd_net assign_bd_address save_bd_design wait_on_run open_run report_utilization
             report_timing_summary update_ip_catalog close_project ipx::create_xgui_files ipx::update_checksums
             ipx::save_core} {
    proc $cmd {args} "stub_record $cmd {*}\$args"
}
proc create_project {args} {
    stub_record create_project {*}$args
    set words [lsearch -all -inline -not -exact $args -force]
    set ::stub_project_name [lindex $words 0]
    set ::stub_project_dir [lindex $words 1]
}
proc add_files {args} {
    stub_record add_files {*}$args
    foreach a $args {
        if {![string match -* $a] && $a ne "constrs_1"} {
            foreach f $a { lappend ::stub_files $f }
        }
    }
}
proc set_property {args} {
    stub_record set_property {*}$args
    if {[lindex $args 0] eq "top"} { set ::stub_top [lindex $args 1] }
}
proc stub_need {kind object} {
    if {![string match "$kind*" $object]} { error "stub: expected a $kind object, got '$object'" }
}
proc ipx::package_project {args} {
    stub_record ipx::package_project {*}$args
    set root [lindex $args [expr {[lsearch -exact $args -root_dir] + 1}]]
    set found 0
    foreach f $::stub_files {
        if {![file exists $f]} { continue }
        set fh [open $f]; set text [read $fh]; close $fh
        set at [string first "module $::stub_top " $text]
        if {$at < 0} { set at [string first "module $::stub_top\n" $text] }
        if {$at < 0} { set at [string first "module $::stub_top\(" $text] }
        if {$at < 0} { continue }
        set found 1
        set body [string range $text $at [string first endmodule $text $at]]
        foreach {all vlnv bus} [regexp -all -inline {X_INTERFACE_INFO\s*=\s*"(\S+)\s+(\S+)\s+\S+"} $body] {
            if {[lsearch -exact $::stub_bus_interfaces $bus] < 0} { lappend ::stub_bus_interfaces $bus }
        }
    }
    if {!$found} { error "stub: no module '$::stub_top' in the project's files" }
    file mkdir $root
    close [open [file join $root component.xml] w]
    set ::stub_core core
}
proc ipx::current_core {} {
    if {$::stub_core eq ""} { error "stub: no current core (ipx::package_project first)" }
    return $::stub_core
}
proc ipx::get_bus_interfaces {name args} {
    stub_need core [lindex $args end]
    if {[lsearch -exact $::stub_bus_interfaces $name] >= 0} { return $name }
    return ""
}
proc ipx::add_memory_map {name core} {
    stub_need core $core
    stub_record ipx::add_memory_map $name $core
    return memory_map:$name
}
proc ipx::get_memory_maps {name args} { stub_need core [lindex $args end]; return memory_map:$name }
proc ipx::add_address_block {name map} {
    stub_need memory_map $map
    stub_record ipx::add_address_block $name $map
    return address_block:$name
}
proc ipx::add_register {name block} {
    stub_need address_block $block
    stub_record ipx::add_register $name $block
    return register:$name
}
proc ipx::check_integrity {core} {
    stub_need core $core
    stub_record ipx::check_integrity $core
    if {[stub_failing integrity]} { error {stub: [IP_Flow 19-3157] bus interface has no associated clock} }
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
        CONFIG.FREQ_HZ { return "FREQ_HZ_OF_$object" }
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
