#compdef proj

_proj_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _PROJ_COMPLETE=complete_zsh proj)
}

compdef _proj_completion proj
