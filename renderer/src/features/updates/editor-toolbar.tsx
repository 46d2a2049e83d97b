import type { ReactNode } from 'react';
import { Toolbar } from 'radix-ui';
import { useEditorState, type Editor } from '@tiptap/react';

type Tool = {
  label: string;
  shortcut?: string;
  icon: ReactNode;
  active?: boolean;
  disabled?: boolean;
  run: () => void;
};

/**
 * Formatting buttons in one toolbar: Tab reaches it once, arrow keys move
 * between buttons, and each button says its shortcut.
 */
export function EditorToolbar({
  editor,
  onLink,
  onImage,
  imageBusy = false,
}: {
  editor: Editor;
  onLink: () => void;
  /** Opens the file picker for an image. */
  onImage: () => void;
  imageBusy?: boolean;
}) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      quote: e.isActive('blockquote'),
      link: e.isActive('link'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const chain = () => editor.chain().focus();
  const groups: Tool[][] = [
    [
      {
        label: 'Bold',
        shortcut: 'Ctrl+B',
        icon: <span className="icon-bold">B</span>,
        active: state.bold,
        run: () => chain().toggleBold().run(),
      },
      {
        label: 'Italic',
        shortcut: 'Ctrl+I',
        icon: <span className="icon-italic">I</span>,
        active: state.italic,
        run: () => chain().toggleItalic().run(),
      },
    ],
    [
      {
        label: 'H2 heading',
        shortcut: 'Ctrl+Alt+2',
        icon: 'H2',
        active: state.h2,
        run: () => chain().toggleHeading({ level: 2 }).run(),
      },
      {
        label: 'H3 heading',
        shortcut: 'Ctrl+Alt+3',
        icon: 'H3',
        active: state.h3,
        run: () => chain().toggleHeading({ level: 3 }).run(),
      },
    ],
    [
      {
        label: 'Bulleted list',
        shortcut: 'Ctrl+Shift+8',
        icon: <BulletIcon />,
        active: state.bullet,
        run: () => chain().toggleBulletList().run(),
      },
      {
        label: 'Numbered list',
        shortcut: 'Ctrl+Shift+7',
        icon: <NumberedIcon />,
        active: state.ordered,
        run: () => chain().toggleOrderedList().run(),
      },
      {
        label: 'Quote',
        shortcut: 'Ctrl+Shift+B',
        icon: '❝',
        active: state.quote,
        run: () => chain().toggleBlockquote().run(),
      },
      { label: 'Link', shortcut: 'Ctrl+K', icon: <LinkIcon />, active: state.link, run: onLink },
      { label: 'Image', icon: <ImageIcon />, disabled: imageBusy, run: onImage },
    ],
    [
      { label: 'Undo', shortcut: 'Ctrl+Z', icon: '↶', disabled: !state.canUndo, run: () => chain().undo().run() },
      { label: 'Redo', shortcut: 'Ctrl+Y', icon: '↷', disabled: !state.canRedo, run: () => chain().redo().run() },
    ],
  ];
  return (
    <Toolbar.Root className="toolbar" aria-label="Formatting">
      {groups.map((group, i) => (
        <div key={group[0]?.label} className="toolbar-group">
          {i > 0 && <Toolbar.Separator className="toolbar-separator" />}
          {group.map((tool) => (
            <Toolbar.Button
              key={tool.label}
              className="toolbar-button"
              aria-label={tool.label}
              aria-keyshortcuts={tool.shortcut?.replace('Ctrl', 'Control')}
              title={tool.shortcut ? `${tool.label} (${tool.shortcut})` : tool.label}
              aria-pressed={tool.active === undefined ? undefined : tool.active}
              disabled={tool.disabled}
              onClick={tool.run}
            >
              <span aria-hidden="true">{tool.icon}</span>
            </Toolbar.Button>
          ))}
        </div>
      ))}
    </Toolbar.Root>
  );
}

function LinkIcon() {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2.2"
      strokeLinecap="round"
    >
      <path d="M10 14a4.5 4.5 0 0 0 6.4 0l3.2-3.2a4.5 4.5 0 0 0-6.4-6.4L11.6 6" />
      <path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3.2 3.2a4.5 4.5 0 0 0 6.4 6.4l1.6-1.6" />
    </svg>
  );
}

function ImageIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
      <rect x="3" y="4" width="18" height="16" rx="2" />
      <circle cx="9" cy="10" r="2" />
      <path d="M21 17l-5-5-9 8" />
    </svg>
  );
}

function BulletIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="currentColor">
      <circle cx="5" cy="6" r="2" />
      <circle cx="5" cy="12" r="2" />
      <circle cx="5" cy="18" r="2" />
      <rect x="10" y="5" width="11" height="2" rx="1" />
      <rect x="10" y="11" width="11" height="2" rx="1" />
      <rect x="10" y="17" width="11" height="2" rx="1" />
    </svg>
  );
}

function NumberedIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="currentColor">
      <path d="M3 4l2-1v6" stroke="currentColor" strokeWidth="1.6" fill="none" />
      <path d="M2.5 15a2 2 0 1 1 3.5 1.3L2.5 20h4" stroke="currentColor" strokeWidth="1.6" fill="none" />
      <rect x="10" y="5" width="11" height="2" rx="1" />
      <rect x="10" y="16" width="11" height="2" rx="1" />
    </svg>
  );
}
