// Runs the cells of a course notebook when it opens, so the exercises appear without "Run All Cells".
//
// Only for notebooks that are both
//   - marked as course notebooks: notebook metadata "ssr_course": {"run_on_open": true}
//     (written by ssr_widgets/navigation.py for every section listed in course.yml), and
//   - trusted: every code cell is trusted, i.e. the notebook is signed with this user's own key
//     (start-course.sh runs `jupyter trust` on the course's notebooks; JupyterLab signs a notebook
//     when it saves one whose outputs the user produced).
// A notebook from elsewhere that copies the marker is not signed with the learner's key, so it never
// runs by itself: the same rule under which JupyterLab already lets a trusted notebook's outputs run
// scripts. The cells run one after another, as "Run All Cells" would, without moving the
// learner's place in the page. They run again whenever the notebook gets a new kernel (a restart of the
// kernel that the learner asks for keeps the same kernel, so it does not count).
import { INotebookTracker } from '@jupyterlab/notebook';
import { CodeCell } from '@jupyterlab/cells';

function isCourseNotebook(model) {
  const meta = model.getMetadata('ssr_course');
  if (!meta || meta.run_on_open !== true) {
    return false;
  }
  const code = Array.from(model.cells).filter(cell => cell.type === 'code');
  return code.length > 0 && code.every(cell => cell.trusted);
}

async function runCells(panel, kernelId) {
  const sessionContext = panel.sessionContext;
  for (const cell of panel.content.widgets) {
    if (panel.isDisposed || sessionContext.session?.kernel?.id !== kernelId) {
      return; // closed, or the kernel changed: the new kernel's run takes over
    }
    if (cell.model.type !== 'code' || !(cell instanceof CodeCell)) {
      continue;
    }
    try {
      await CodeCell.execute(cell, sessionContext);
    } catch (err) {
      console.warn('ssr-course-autorun: a cell did not run', err);
    }
  }
}

function watch(panel) {
  let ranFor = null;
  const maybeRun = async () => {
    await panel.context.ready;
    await panel.sessionContext.ready;
    const model = panel.content.model;
    const kernel = panel.sessionContext.session?.kernel;
    if (panel.isDisposed || !model || !kernel || kernel.id === ranFor || !isCourseNotebook(model)) {
      return;
    }
    ranFor = kernel.id;
    panel.node.dataset.ssrAutorun = 'running';
    await runCells(panel, kernel.id);
    if (!panel.isDisposed && ranFor === kernel.id) {
      panel.node.dataset.ssrAutorun = 'done';
    }
  };
  void maybeRun();
  panel.sessionContext.kernelChanged.connect(() => void maybeRun());
}

const plugin = {
  id: 'ssr-course-autorun:plugin',
  description: 'Runs the cells of a trusted course notebook when it opens.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app, tracker) => {
    tracker.widgetAdded.connect((_, panel) => watch(panel));
  }
};

export default plugin;
