import { useDialog } from 'naive-ui'

export interface ConfirmOptions {
  title: string
  content: string
  positiveText: string
  negativeText: string
  /** Destructive actions (delete, disconnect, deactivate) show the error style. */
  destructive?: boolean
}

/**
 * Asks before an action and resolves true only on the positive button (Esc, the close icon and a
 * click outside all count as no). Used for every destructive action of the admin screens.
 */
export function useConfirm(): (options: ConfirmOptions) => Promise<boolean> {
  const dialog = useDialog()
  return options => new Promise((resolve) => {
    const open = options.destructive ? dialog.error : dialog.warning
    open({
      title: options.title,
      content: options.content,
      positiveText: options.positiveText,
      negativeText: options.negativeText,
      onPositiveClick: () => resolve(true),
      onNegativeClick: () => resolve(false),
      onClose: () => resolve(false),
      onMaskClick: () => resolve(false),
      onEsc: () => resolve(false),
    })
  })
}
