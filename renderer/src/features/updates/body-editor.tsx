import { useRef, useState } from 'react';
import { EditorContent, useEditor } from '@tiptap/react';
import type { Editor } from '@tiptap/react';
import { StarterKit } from '@tiptap/starter-kit';
import type { Doc } from '../../../../shared/content/doc.ts';
import { isSafeHref } from '../../../../shared/content/doc.ts';
import { EditorToolbar } from './editor-toolbar.tsx';
import { LinkForm } from './link-form.tsx';
import { cleanPastedHtml } from './paste-cleaner.ts';

/**
 * The rich body: only what the core's body schema accepts (H2/H3, bold,
 * italic, links, lists, quotes), so pasted formatting that is not ours is dropped by the schema.
 */
export function BodyEditor({
  initial,
  onChange,
  labelledBy,
}: {
  initial: Doc;
  onChange: (doc: Doc) => void;
  labelledBy: string;
}) {
  const [linkOpen, setLinkOpen] = useState(false);
  const openLink = useRef(() => setLinkOpen(true));
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        code: false,
        codeBlock: false,
        strike: false,
        underline: false,
        horizontalRule: false,
        link: {
          openOnClick: false,
          autolink: true,
          defaultProtocol: 'https',
          protocols: ['mailto', 'tel'],
          isAllowedUri: (url) => isSafeHref(url),
          HTMLAttributes: { target: null, rel: 'noopener noreferrer' },
        },
      }),
    ],
    content: initial,
    // The base CSS ships in prosemirror.css: the page's CSP refuses injected <style> tags.
    injectCSS: false,
    editorProps: {
      attributes: { 'aria-labelledby': labelledBy, 'aria-multiline': 'true', role: 'textbox', class: 'body-editor' },
      transformPastedHTML: (html) => cleanPastedHtml(html),
      handleKeyDown: (_view, event) => {
        if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
          event.preventDefault();
          openLink.current();
          return true;
        }
        return false;
      },
    },
    onUpdate: ({ editor: e }) => onChange(e.getJSON() as Doc),
  });

  if (!editor) return null;
  return (
    <div className="editor-frame">
      <EditorToolbar editor={editor} onLink={() => setLinkOpen(true)} />
      {linkOpen && <LinkForm editor={editor} onClose={() => closeLink(editor, setLinkOpen)} />}
      <EditorContent editor={editor} />
    </div>
  );
}

function closeLink(editor: Editor, setOpen: (open: boolean) => void) {
  setOpen(false);
  editor.commands.focus();
}
