/** Words every form dialog and copy button shares, in the workspace and in the administration alike. */
export const FORM_LABELS = {
  save: 'Salvar',
  cancel: 'Cancelar',
  unsavedTitle: 'Descartar alterações?',
  unsavedContent: 'Há alterações que ainda não foram salvas.',
  unsavedYes: 'Descartar',
  unsavedNo: 'Continuar editando',
  copy: 'Copiar',
  copied: 'Copiado para a área de transferência.',
  copyFailed: 'Não foi possível copiar; selecione o texto e copie manualmente.',
} as const
